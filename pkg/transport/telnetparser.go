package transport

// Telnet command and option codes (RFC 854, 855, 857, 858, 1073, 1091).
const (
	tnSE   byte = 240
	tnNOP  byte = 241
	tnDM   byte = 242
	tnGA   byte = 249
	tnSB   byte = 250
	tnWILL byte = 251
	tnWONT byte = 252
	tnDO   byte = 253
	tnDONT byte = 254
	tnIAC  byte = 255

	optBinary byte = 0
	optEcho   byte = 1
	optSGA    byte = 3
	optTTYPE  byte = 24
	optNAWS   byte = 31

	ttypeIS   byte = 0
	ttypeSEND byte = 1
)

// maxSubnegotiation bounds the payload kept for one SB ... SE sequence;
// longer payloads are truncated (the options we answer need two bytes).
const maxSubnegotiation = 256

// parserState is where telnetParser stands in the byte stream.
type parserState uint8

const (
	stData   parserState = iota // plain data
	stCR                        // data, just after CR: a NUL here is dropped
	stIAC                       // after IAC
	stOption                    // after IAC WILL/WONT/DO/DONT, waiting for the option
	stSBOpt                     // after IAC SB, waiting for the option
	stSB                        // inside SB payload
	stSBIAC                     // inside SB payload, after IAC
)

// telnetEvent is a negotiation command found in the stream: cmd is tnWILL,
// tnWONT, tnDO, tnDONT or tnSB; data is the SB payload (IAC IAC undone).
type telnetEvent struct {
	cmd  byte
	opt  byte
	data []byte
}

// telnetParser separates received Telnet bytes into data and negotiation.
// It is a state machine fed chunk by chunk, so a sequence may be split
// across reads at any byte. It skips GA, NOP, DM and every other two-byte
// command, turns IAC IAC into 0xFF and CR NUL into CR.
type telnetParser struct {
	state  parserState
	cmd    byte // pending WILL/WONT/DO/DONT
	sbOpt  byte
	sbData []byte
}

// parse consumes in and compacts the data bytes it holds to the front of in
// (the data is never longer than its encoding), returning their count and
// the negotiation events in stream order.
func (p *telnetParser) parse(in []byte) (int, []telnetEvent) {
	var events []telnetEvent
	n := 0
	for _, b := range in {
		switch p.state {
		case stData, stCR:
			wasCR := p.state == stCR
			p.state = stData
			switch {
			case b == tnIAC:
				p.state = stIAC
			case b == 0 && wasCR:
			default:
				in[n] = b
				n++
				if b == '\r' {
					p.state = stCR
				}
			}
		case stIAC:
			if b == tnIAC {
				in[n] = tnIAC
				n++
				p.state = stData
				continue
			}
			p.command(b)
		case stOption:
			events = append(events, telnetEvent{cmd: p.cmd, opt: b})
			p.state = stData
		case stSBOpt:
			p.sbOpt = b
			p.sbData = p.sbData[:0]
			p.state = stSB
		case stSB:
			if b == tnIAC {
				p.state = stSBIAC
				continue
			}
			p.appendSB(b)
		case stSBIAC:
			switch b {
			case tnIAC:
				p.appendSB(b)
				p.state = stSB
			case tnSE:
				events = append(events, telnetEvent{cmd: tnSB, opt: p.sbOpt, data: append([]byte(nil), p.sbData...)})
				p.state = stData
			default:
				// A command inside SB means the SE was lost: drop the
				// subnegotiation and take the byte as a command.
				p.command(b)
			}
		}
	}
	return n, events
}

// command handles the byte after IAC, IAC itself excepted.
func (p *telnetParser) command(b byte) {
	switch b {
	case tnWILL, tnWONT, tnDO, tnDONT:
		p.cmd = b
		p.state = stOption
	case tnSB:
		p.state = stSBOpt
	default: // GA, NOP, DM, a stray SE and the rest carry nothing for us
		p.state = stData
	}
}

func (p *telnetParser) appendSB(b byte) {
	if len(p.sbData) < maxSubnegotiation {
		p.sbData = append(p.sbData, b)
	}
}

// escapeIAC returns p with every 0xFF doubled, as Telnet data requires.
func escapeIAC(p []byte) []byte {
	out := make([]byte, 0, len(p)+1)
	for _, b := range p {
		if b == tnIAC {
			out = append(out, tnIAC)
		}
		out = append(out, b)
	}
	return out
}

package rtxtest

import (
	"sync"

	"golang.org/x/crypto/ssh"
)

// testHostKeyPEM is the fixed 2048-bit RSA host key of every [Server] that
// does not set [Server.HostSigner]. It is fixed so that known_hosts lines and
// fingerprints stay the same from run to run; it protects nothing.
const testHostKeyPEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAlvin2Ht+Hoo1yn5EgEqJALI1gw1DFlBUTGzQBnLgrGDO4h04
EqAmFsl8a9znOljxibOKPDpK9O75TWgkJHmOlmFdBcHpKrWw4PqEhcjxuEIqoe3w
Xt9ayt5PmPTh1fn+7W+dHrdsHoQFYuW2e25UAQe7/uCL4Fw7yPZJjtj6KnZHk2+O
Ux0cTDS1QyF+SSTw5DiUgLYo4PUDc0fhf7FpYFLOPupVin36HzDouoU0xbrIbvd8
j2nvejI6dRPZlc1v6bOCBBEf+8hYNJ64VCwKt0xTWyMNf1DhjUBtAxGi2Y+0toPe
uVslejCRExL+84+cxxNjEj+VslKZapw7mnd/dwIDAQABAoIBAEfTQit8yUpnT+Mo
QpfUniyeHFZem2HE0u5PQIMo6VopbpPl+dTmq2hg8JhyjvHT+gocyHIR+7Je9W3N
05Ak4uEJrlN8Z12h9mZ62Uy7BsE2fYjvplHEqrHkpXLsYntGRnIZDWPdOQulnNhp
2HEN0tpwnxDKLNIPn4PjJKjY8t/7Da+nryKX2pOFq+SIlJYMt7Pxvw18qQNhemNH
xJ2414JpUz0Iujs/1YNiFwK4UAV0yXjmzAK0mRctzItTn9JxeR2plcQh9rCEIFgw
xEYfjycsjADFA0K3lCrKfzebWDTXFNcbVAuM2XLioBJB+HY4behOpbmx08+fqoaB
FcvQnlECgYEAy+ba8kVj6cd/nCqbykYM7YxW94RZPy7CRmmeG0P5G2k8Bm6q/0DC
aMAtHE/WF3HZ0EuwKJcnHFBecxKu3T7vMZbVf+dB9A6lgqZ1aimRS73WtMhpklkQ
0LmpNDN2d3N9Ta+TWVTpTQw+DrQW7KhTPwuGL7p6XWH8upR4tJqnchECgYEAvYuj
CHimLzob0hGok44IrHmA+bOCXG8HKbjwrVsAm86cypw89khWG7d4Vd7jlxM/Q30D
aUnSz3Q9eaVmL/RILu+iGL443wfkPg9zmC1Onq9FiYKzmiFDgLZfSaRFPmvFkBL2
Y+1hdAAjn/3QEciEV7dqyCKfjNAUO/vERkwMUQcCgYEAkWXcaPhcR99Puv+TOgj7
vQTfGv9QWMKyHF3CNbUh1I8VE40k+IGoX+PyBwdTJkK0TFk8k6U9aW5R+4KuGOyA
yn7BXcR9flhXY7PpdDuR9U245g8nYQmL+Rr7clLkPkenaZcy3nezKZL6SafX1Qgu
3H0OQcia6y4tdqra7AaAMtECgYBCqMEFUajgIwd1sVAf1GuofHKnXkIST9mtCqVZ
0g88vETX3Gp0Eqx1wuhHCsPvdY1iJqz0ckn5O2ADT+/IHZjlKNFQ8lT92sCiMrzs
X8Kue+Vwns6a/efHdFu+gk73zN8F9CVCr1D+gq4ErjZmiqZAUvjyuXpzAxqanchB
EK2kMQKBgG6AzYPpq9WxahclesPPvw7y37p0m0Trzh3DB1dpZcfa0WA0vG3UqF98
gnGb4uEB2jm8SCN5FBDrQUYiXUCqmEw+KYNvy3fYyvrCk+ERB+YGVMDfAOLAwMlX
YzgAE/PcVuurf2gcbqvw1xbXISiQOVBCPifZ6EXzMVSLb7H8a8yK
-----END RSA PRIVATE KEY-----
`

// testHostSigner parses testHostKeyPEM once.
var testHostSigner = sync.OnceValue(func() ssh.Signer {
	s, err := ssh.ParsePrivateKey([]byte(testHostKeyPEM))
	if err != nil {
		panic("rtxtest: parse embedded host key: " + err.Error())
	}
	return s
})

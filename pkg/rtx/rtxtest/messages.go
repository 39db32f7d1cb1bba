package rtxtest

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// charset is a `console character` setting: the message language and the wire encoding.
type charset struct {
	name     string            // the name as written in the configuration
	japanese bool              // Japanese messages (otherwise English)
	enc      encoding.Encoding // nil = bytes as they are (ASCII, UTF-8)
}

// charsets lists the current console character names; legacy firmware uses legacyCharsets.
var (
	charsets = []charset{
		{name: "ja.sjis", japanese: true, enc: japanese.ShiftJIS},
		{name: "ja.euc", japanese: true, enc: japanese.EUCJP},
		{name: "ja.utf8", japanese: true},
		{name: "en.ascii"},
	}
	legacyCharsets = []charset{
		{name: "sjis", japanese: true, enc: japanese.ShiftJIS},
		{name: "euc", japanese: true, enc: japanese.EUCJP},
		{name: "ascii"},
	}
)

// charsetByName finds a console character name. Legacy firmware knows only the old names;
// newer firmware knows the new names, and the old ones too when aliases is set.
func charsetByName(name string, legacy, aliases bool) (charset, bool) {
	name = strings.ToLower(name)
	lists := [][]charset{charsets}
	if legacy {
		lists = [][]charset{legacyCharsets}
	} else if aliases {
		lists = append(lists, legacyCharsets)
	}
	for _, list := range lists {
		for _, c := range list {
			if c.name == name {
				return c, true
			}
		}
	}
	return charset{}, false
}

// encode converts a UTF-8 text to the charset's bytes; characters the encoding lacks become '?'.
func (c charset) encode(s string) []byte {
	if c.enc == nil {
		return []byte(s)
	}
	b, err := encoding.ReplaceUnsupported(c.enc.NewEncoder()).Bytes([]byte(s))
	if err != nil {
		return []byte(s)
	}
	return b
}

// msg is a message in both languages.
type msg struct{ ja, en string }

// defaultMessages is the message catalogue, keyed by the names scenarios use to override a text.
var defaultMessages = map[string]msg{
	"invalid_command":   {"エラー: コマンド名を確認してください", "Error: Invalid command name"},
	"admin_only":        {"エラー: 管理レベルでのみ使用できます", "Error: Administrator use only"},
	"admin_only_long":   {"エラー: このコマンドは管理レベルでのみ使用できます", "Error: Administrator use only"},
	"parameter_count":   {"エラー: パラメータの数が不適当です", "Error: Insufficient or too many parameters"},
	"illegal_keyword":   {"エラー: パラメータのキーワードが認識できません", "Error: Illegal keyword"},
	"out_of_range":      {"エラー: パラメータが範囲を越えています", "Error: Parameter out of range"},
	"not_integer":       {"エラー: パラメータは整数で指定してください", "Error: Parameter must be an integer"},
	"bad_ip":            {"エラー: IPアドレスが認識できません", "Error: Unrecognized IP address parameter"},
	"bad_password":      {"エラー: パスワードが間違っています", "Error: Incorrect password"},
	"login_failed":      {"エラー: パスワードが間違っています", "Error: Incorrect password"},
	"admin_not_allowed": {"エラー: 管理者モードに移行できません", "Error: Cannot enter administrator mode"},
	"save_question":     {"新しい設定を保存しますか? (Y/N)", "Save new configuration ? (Y/N)"},
	"saving":            {"セーブ中... %s 終了", "Saving ... %s Done"},
	"bgp_reminder":      {"BGPの設定が変更されました。", "BGP configuration has been changed."},
	"bgp_reminder2": {
		"すべての設定が完了したら、設定を有効にするために'bgp configure refresh'コマンドを実行してください。",
		"After completing all settings, execute the 'bgp configure refresh' command to enable them.",
	},
	"pager_marker":   {"---つづく---", "---more---"},
	"route_header":   {"宛先ネットワーク    ゲートウェイ     インタフェース  種別  付加情報", "Destination         Gateway          Interface       Kind  Additional Info."},
	"user_legend":    {"   (*: 自分自身のユーザー情報 , +: 管理者モード , @: RADIUS での認証 )", "   (*: current user, +: administrator mode, @: authenticated via RADIUS)"},
	"user_header":    {"   ユーザー名         接続種別    ログイン      アイドル    IPアドレス", "   username        connection login time   idle       IP address"},
	"searching":      {"Searching ...", "Searching ..."},
	"factory_notice": {"The login password is factory default setting. Please request an administrator to change the password by the 'login password' command.", "The login password is factory default setting. Please request an administrator to change the password by the 'login password' command."},
}

// statusMessages are the labels of status output. Real routers print such labels in
// Japanese in Japanese mode (`実行中設定ファイル` is the only one captured); the fake does so
// only with the localized_status variant, and the other Japanese wordings are guesses.
var statusMessages = map[string]msg{
	"bgp_state":        {"BGP状態", "BGP state"},
	"bgp_neighbor":     {"BGPネイバー %s, 相手AS %s, 自AS %s, 外部リンク", "BGP neighbor is %s, remote AS %s, local AS %s, external link"},
	"bgp_version":      {"  BGPバージョン %d, 相手ルーターID %s", "  BGP version %d, remote router ID %s"},
	"bgp_up_for":       {", 接続時間 %s", ", up for %s"},
	"bgp_last_read":    {"  最終受信 00:00:00, ホールドタイム %d秒, キープアライブ間隔 %d秒", "  Last read 00:00:00, hold time is %d, keepalive interval is %d seconds"},
	"bgp_received":     {"  受信 %dメッセージ, 0通知, キュー 0", "  Received %d messages, 0 notifications, 0 in queue"},
	"bgp_sent":         {"  送信 %dメッセージ, 0通知, キュー 0", "  Sent %d messages, 0 notifications, 0 in queue"},
	"bgp_connections":  {"  接続確立 %d回; 切断 0回", "  Connection established %d; dropped 0"},
	"bgp_last_reset":   {"  最終リセット なし", "  Last reset never"},
	"bgp_local_host":   {"ローカルホスト: %s", "Local host: %s"},
	"bgp_local_port":   {", ローカルポート: %d", ", Local port: %d"},
	"bgp_unspecified":  {"未指定", "unspecified"},
	"bgp_foreign_host": {"リモートホスト: %s, リモートポート: %d", "Foreign host: %s, Foreign port: %d"},
	"env_cpu":          {"CPU:    1%(5秒)   0%(1分)   0%(5分)    メモリ: 16% 使用中", "CPU:    1%(5sec)   0%(1min)   0%(5min)    Memory: 16% used"},
	"env_packet":       {"パケットバッファ:   0%(small)   0%(middle)   7%(large)   0%(huge) 使用中", "Packet-buffer:   0%(small)   0%(middle)   7%(large)   0%(huge) used"},
	"env_config":       {"実行中ファームウェア: exec0  実行中設定ファイル: config%d", "Firmware: exec0  Config. file: config%d"},
	"env_default":      {"デフォルトファームウェア: exec0  デフォルト設定ファイル: config%d", "Default firmware: exec0  Default config. file: config%d"},
	"env_baudrate":     {"シリアルボーレート: 9600", "Serial Baudrate: 9600"},
	"env_boot_time":    {"起動時刻: %s", "Boot time: %s"},
	"env_current_time": {"現在の時刻: %s", "Current time: %s"},
	"env_elapsed":      {"起動からの経過時間: %d日 %s", "Elapsed time from boot: %ddays %s"},
	"env_security":     {"セキュリティクラス: 1, FORGET: ON, TELNET: OFF", "Security Class: 1, FORGET: ON, TELNET: OFF"},
	"env_temperature":  {"筐体内温度(℃): 45", "Inside Temperature(C.): 45"},
}

// stateWords are Japanese BGP state names for the localized_state_words variant: a pure
// guess (no Japanese show status bgp neighbor has been published).
var stateWords = map[string]string{
	"Idle": "アイドル", "Connect": "接続中", "Active": "アクティブ",
	"OpenSent": "OPEN送信", "OpenConfirm": "OPEN確認", "Established": "確立",
}

// charset returns the current `console character` setting.
func (r *Router) charset() charset {
	legacy := r.sc.legacyCharsets()
	if v, ok := r.running.get("console character"); ok && len(v) > 0 {
		if cs, ok := charsetByName(v[0], legacy, true); ok {
			return cs
		}
	}
	name := "ja.sjis"
	if legacy {
		name = "sjis"
	}
	cs, _ := charsetByName(name, legacy, false)
	return cs
}

// text returns message key in the current language, formatted with args; scenario
// overrides take precedence over the catalogue.
func (r *Router) text(key string, args ...any) string {
	return r.textIn(r.charset().japanese, defaultMessages[key], key, args...)
}

// statusText returns status label key: in Japanese only in Japanese mode with the
// localized_status variant, otherwise in English.
func (r *Router) statusText(key string, args ...any) string {
	return r.textIn(r.charset().japanese && r.sc.Variants.LocalizedStatus, statusMessages[key], key, args...)
}

// stateWord is a BGP state as status output prints it: the RFC 4271 name, or a Japanese
// word in Japanese mode with the localized_state_words variant.
func (r *Router) stateWord(state string) string {
	if w, ok := stateWords[state]; ok && r.charset().japanese && r.sc.Variants.LocalizedStateWords {
		return w
	}
	return state
}

// textIn returns message m (key in scenario overrides) in Japanese or English, formatted
// with args.
func (r *Router) textIn(japanese bool, m msg, key string, args ...any) string {
	lang, t := "en", m.en
	if japanese {
		lang, t = "ja", m.ja
	}
	if o, ok := r.sc.Variants.Messages[lang][key]; ok {
		t = o
	}
	if len(args) > 0 {
		t = fmt.Sprintf(t, args...)
	}
	return t
}

// errorText returns the error line for a failed command.
func (r *Router) errorText(err error) string {
	key := string(errInvalidCommand)
	var ce cmdError
	if errors.As(err, &ce) {
		key = string(ce)
	}
	if key == string(errAdminOnly) && r.sc.Variants.AdminOnlyLong {
		key = "admin_only_long"
	}
	return r.text(key)
}

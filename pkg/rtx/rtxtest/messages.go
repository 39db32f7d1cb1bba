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
	"bgp_state":      {"BGP state", "BGP state"},
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
	m := defaultMessages[key]
	lang, t := "en", m.en
	if r.charset().japanese {
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

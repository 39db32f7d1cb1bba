package rtx

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseUsers(t *testing.T) {
	t.Parallel()
	// The samples of the console reference §8.6, and the fake's rows.
	english := "   (*: current user, +: administrator mode, @: authenticated via RADIUS)\r\n" +
		"   username        connection login time   idle       IP address\r\n" +
		"-------------------------------------------------------------------------------\r\n" +
		"   user-local      serial     09/16 10:21  0:02:08\r\n" +
		"  @user-radius2    remote     09/16 10:22  0:02:27\r\n" +
		"*+@user-radius1    telnet1    09/16 10:22  0:00:00    192.168.0.100\r\n"
	japanese := "   (*: 自分自身のユーザー情報 , +: 管理者モード , @: RADIUS での認証 )\n" +
		"   ユーザー名         接続種別    ログイン      アイドル    IPアドレス\n" +
		"-------------------------------------------------------------------------------\n" +
		" + rtxctl          ssh1       12/06 15:04  0:00:03    127.0.0.1\n" +
		"*+ (noname)        telnet2    12/06 15:05  0:00:00    ::1\n"
	tests := []struct {
		name string
		text string
		want []UserSession
	}{
		{name: "english", text: english, want: []UserSession{
			{User: "user-local", Connection: "serial", Login: "09/16 10:21", Idle: "0:02:08"},
			{User: "user-radius2", Connection: "remote", Login: "09/16 10:22", Idle: "0:02:27", RADIUS: true},
			{User: "user-radius1", Connection: "telnet1", Login: "09/16 10:22", Idle: "0:00:00", Address: "192.168.0.100", Self: true, Administrator: true, RADIUS: true},
		}},
		{name: "first row joined to the dashed line", text: "   username        connection login time   idle       IP address\n" + strings.Repeat("-", 79) +
			"*  rtxctl          ssh1       12/06 15:20  0:00:00    127.0.0.1\n", want: []UserSession{
			{User: "rtxctl", Connection: "ssh1", Login: "12/06 15:20", Idle: "0:00:00", Address: "127.0.0.1", Self: true},
		}},
		{name: "japanese", text: japanese, want: []UserSession{
			{User: "rtxctl", Connection: "ssh1", Login: "12/06 15:04", Idle: "0:00:03", Address: "127.0.0.1", Administrator: true},
			{User: "(noname)", Connection: "telnet2", Login: "12/06 15:05", Idle: "0:00:00", Address: "::1", Self: true, Administrator: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseUsers(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseUsers() mismatch (-want +got):\n%s", diff)
			}
		})
	}
	others := OtherAdministrators(mustParseUsers(t, japanese))
	if diff := cmp.Diff([]string{"rtxctl on ssh1 from 127.0.0.1 (logged in 12/06 15:04)"}, sessionStrings(others)); diff != "" {
		t.Errorf("OtherAdministrators() mismatch (-want +got):\n%s", diff)
	}
	if _, err := ParseUsers("Invalid command name\n"); !errors.Is(err, ErrNoUserTable) {
		t.Errorf("ParseUsers(no table) error = %v, want %v", err, ErrNoUserTable)
	}
}

func mustParseUsers(t *testing.T, text string) []UserSession {
	t.Helper()
	s, err := ParseUsers(text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sessionStrings(sessions []UserSession) []string {
	var out []string
	for _, s := range sessions {
		out = append(out, s.String())
	}
	return out
}

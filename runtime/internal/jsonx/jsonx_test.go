package jsonx

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x00\x1f", "é ü 日本", "bad\xffutf8", "</script>&", "line\u2028sep\u2029"} {
		enc := AppendString(nil, s)
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, enc, err)
		}
		want := s
		if s == "bad\xffutf8" {
			want = "bad\ufffdutf8"
		}
		if got != want {
			t.Errorf("round trip %q -> %s -> %q", s, enc, got)
		}
	}
}

func TestAppendJoinedAndStrings(t *testing.T) {
	if got := string(AppendJoined(nil, []string{"a", `b"`})); got != `"a b\""` {
		t.Errorf("AppendJoined = %s", got)
	}
	if got := string(AppendStrings(nil, []string{"a", "b"})); got != `["a","b"]` {
		t.Errorf("AppendStrings = %s", got)
	}
}

func TestAppendMembers(t *testing.T) {
	got, err := AppendMembers([]byte(`{"a":1`), map[string]any{"z": []int{1}, "b": "x"})
	if err != nil || string(got) != `{"a":1,"b":"x","z":[1]}` {
		t.Fatalf("got %s, %v", got, err)
	}
	if _, err := AppendMembers(nil, map[string]any{"c": make(chan int)}); err == nil {
		t.Error("an unencodable member was accepted")
	}
}

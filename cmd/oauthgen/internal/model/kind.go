package model

import "fmt"

// Kind is how generated code turns a request value into a field value.
type Kind int

// The kinds of context fields.
const (
	KindString      Kind = iota + 1 // string, assigned as is
	KindSecret                      // runtime.Secret, converted
	KindInt                         // int, strconv.Atoi
	KindInt64                       // int64, strconv.ParseInt
	KindFloat64                     // float64, strconv.ParseFloat
	KindBool                        // bool, strconv.ParseBool
	KindDuration                    // time.Duration, time.ParseDuration
	KindStringSlice                 // []string, strings.Fields
	KindURL                         // *url.URL, runtime.ParseURLParam
)

// kindOfGoType maps the Go type of a property, as spec.PropertyTypes and the
// catalogue write it, to its kind.
var kindOfGoType = map[string]Kind{
	"string":         KindString,
	"runtime.Secret": KindSecret,
	"int":            KindInt,
	"int64":          KindInt64,
	"float64":        KindFloat64,
	"bool":           KindBool,
	"time.Duration":  KindDuration,
	"[]string":       KindStringSlice,
	"*url.URL":       KindURL,
}

// KindOf returns the kind of a Go type as written in the catalogue or
// spec.PropertyTypes.
func KindOf(goType string) (Kind, error) {
	k, ok := kindOfGoType[goType]
	if !ok {
		return 0, fmt.Errorf("unsupported property Go type %q", goType)
	}
	return k, nil
}

// String returns the Go type of the kind.
func (k Kind) String() string {
	for t, kk := range kindOfGoType {
		if kk == k {
			return t
		}
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ContractType is the kind's name in runtime/contract's Property.Type.
func (k Kind) ContractType() string {
	switch k {
	case KindSecret:
		return "Secret"
	case KindDuration:
		return "duration"
	case KindURL:
		return "url"
	}
	return k.String()
}

package runtime

// Version guard (conventions G-27). Generated code contains
//
//	const (
//		_ = runtime.EnforceVersion(N - runtime.MinVersion)
//		_ = runtime.EnforceVersion(runtime.MaxVersion - N)
//	)
//
// where N is the generated-code API version the generator targets. Because
// EnforceVersion takes an unsigned argument, generated code that is too new or
// too old for this runtime fails to compile with a constant overflow instead of
// misbehaving at run time.
const (
	// GenVersion is the generated-code API version this runtime was written for.
	GenVersion = 2
	// MinVersion is the oldest generated-code API version this runtime supports.
	// Version 2 made NewServer take a Flows value.
	MinVersion = 2
	// MaxVersion is the newest generated-code API version this runtime supports.
	MaxVersion = 2
)

// EnforceVersion is used by generated code to check at compile time that it
// matches this runtime. See the constants above.
type EnforceVersion uint

package flowkit

// The version guard. Generated code contains
//
//	const (
//		_ = flowkit.EnforceVersion(N - flowkit.MinVersion)
//		_ = flowkit.EnforceVersion(flowkit.MaxVersion - N)
//	)
//
// where N is the generated-code API version the generator targets. Because
// EnforceVersion takes an unsigned argument, generated code that is too new
// or too old for this runtime fails to compile with a constant overflow
// instead of misbehaving at run time.
const (
	// GenVersion is the generated-code API version this runtime was
	// written for, and the one the generator of the same module emits.
	GenVersion = 4
	// MinVersion is the oldest generated-code API version this runtime
	// supports. Version 3 moved the generated code's helpers to flowkit
	// and the protocol vocabulary to runtime/oauth; version 4 replaced the
	// flow interface of each endpoint (runtime.TokenFlow, ...) with the
	// one generic runtime.Flow[Context, Response], and Registration's type
	// parameter with the pair.
	MinVersion = 4
	// MaxVersion is the newest generated-code API version this runtime
	// supports.
	MaxVersion = 4
)

// EnforceVersion is used by generated code to check at compile time that
// it matches this runtime. See the constants above.
type EnforceVersion uint

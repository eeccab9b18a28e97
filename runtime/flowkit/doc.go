// Package flowkit is what oauthgen's generated code is written against,
// beside the runtime's root package: the version guard, the validation and
// parsing of a flow's own request properties, the carry-over data of
// authorization codes, the per-code error constructors each flow's Errors
// type embeds, and the policy a flow's registration declares.
//
// Generated code lives in the adopting module, so this package is exported;
// a service's own code has no reason to import it.
package flowkit

// Package runtime serves OAuth 2.0 and OpenID Connect for the code oauthgen
// generates, and is what a service that adopts oauthgen uses.
//
// A service never writes HTTP, client authentication, PKCE, code or
// refresh token handling itself: the runtime owns every step that the
// specifications make mandatory, and calls the team's typed procedure
// (GenerateToken, Authorize, Claims, Introspect, Revoke on a generated
// context) only after those steps have passed. Generated code parses each
// flow's own request parameters into its typed context, validates it and
// calls the procedure; everything else is here, so a fix reaches every
// service on upgrade.
//
// What a service uses: Config and NewServer (with the generated Settings
// and Flows), the base contexts its procedures receive (TokenContext,
// AuthorizeContext, UserInfoContext, IntrospectionContext,
// RevocationContext) and their responses, clients and ClientRegistry, the
// store contracts and MemoryStore, keys, the Clock, UserStore and Pages.
// The protocol's vocabulary is in runtime/oauth; support for generated
// code in runtime/flowkit; procedure tests in runtime/runtimetest; the
// mechanics under runtime/internal. docs/ARCHITECTURE.md in the
// repository is the map.
package runtime

package emit

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
)

// contains checks that src has every snippet, in order.
func contains(t *testing.T, name string, src []byte, snippets ...string) {
	t.Helper()
	rest := string(src)
	for _, s := range snippets {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Errorf("%s lacks %q (or has it out of order):\n%s", name, s, src)
			return
		}
		rest = rest[i+len(s):]
	}
}

func TestAuthorizeFlowFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_authorize_code.gen.go"
	contains(t, name, out[name],
		"type CodeData struct {",
		"\tDeviceID string `json:\"device_id\"`",
		"\tAttempts int `json:\"attempts\"`",
		"type AuthorizeCodeContext struct {",
		"\t*runtime.AuthorizeContext `validate:\"-\"`",
		"\tErrors AuthorizeCodeErrors `validate:\"-\"`",
		"\tCodeData CodeData `validate:\"-\"`",
		"\tCampaign string `query:\"campaign\" validate:\"omitempty,alphanum\"`",
		"\tAuthorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error)",
		"func (c *AuthorizeCodeContext) Default(ctx context.Context) (*runtime.AuthorizeResponse, error) {\n"+
			"\traw, err := flowkit.EncodeData(c.CodeData)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n"+
			"\tc.Code.Data = raw\n\treturn c.AuthorizeContext.Default(ctx)\n}",
		"\tflowkit.LoginRequiredCode\n",
		"var _ runtime.Flow[runtime.AuthorizeContext, runtime.AuthorizeResponse] = authorizeCodeFlow{}",
		"func (f authorizeCodeFlow) Prepare(a *runtime.AuthorizeContext) (func(context.Context) (*runtime.AuthorizeResponse, error), error) {\n"+
			"\tc := &AuthorizeCodeContext{AuthorizeContext: a}\n\tc.Campaign = a.Param(\"campaign\")\n",
		"flowkit.Validate(c)",
		"\treturn func(ctx context.Context) (*runtime.AuthorizeResponse, error) {\n\t\treturn f.proc.Authorize(ctx, c)\n\t}, nil\n}",
	)
	if strings.Contains(string(out[name]), "InvalidGrant") {
		t.Error("the authorization step has an error the catalogue does not list")
	}
}

func TestTokenStepDecodesCodeData(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_authorization_code.gen.go"
	contains(t, name, out[name],
		"\tErrors AuthorizationCodeErrors `validate:\"-\"`",
		"\tCodeData CodeData `validate:\"-\"`",
		"\treturn func(ctx context.Context) (*runtime.TokenResponse, error) {\n"+
			"\t\tif err := flowkit.DecodeData(c.Code.Data, &c.CodeData); err != nil {\n\t\t\treturn nil, err\n\t\t}\n"+
			"\t\treturn f.proc.GenerateToken(ctx, c)\n\t}, nil\n}",
	)
	if strings.Contains(string(out[name]), "type CodeData") || strings.Contains(string(out[name]), "func (c *AuthorizationCodeContext) Default") {
		t.Error("the token step declares CodeData or a Default of its own")
	}
}

func TestUserInfoFlowFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	const name = "oauthgen_flow_user_info.gen.go"
	contains(t, name, out[name],
		"type UserInfoContext struct {\n",
		"\t*runtime.UserInfoContext `validate:\"-\"`\n",
		"\tErrors UserInfoErrors `validate:\"-\"`\n}",
		"\tClaims(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error)",
		"\tflowkit.InsufficientScopeCode\n",
		"var _ runtime.Flow[runtime.UserInfoContext, runtime.UserInfoResponse] = userInfoFlow{}",
		"// Prepare builds the flow's context and returns the call of the procedure.\n"+
			"func (f userInfoFlow) Prepare(u *runtime.UserInfoContext) (func(context.Context) (*runtime.UserInfoResponse, error), error) {\n"+
			"\tc := &UserInfoContext{UserInfoContext: u}\n"+
			"\treturn func(ctx context.Context) (*runtime.UserInfoResponse, error) {\n\t\treturn f.proc.Claims(ctx, c)\n\t}, nil\n}",
	)
	if strings.Contains(string(out[name]), "flowkit.Validate") || strings.Contains(string(out[name]), "CodeData") {
		t.Errorf("userinfo validates or carries code data:\n%s", out[name])
	}
}

func TestOIDCServerFile(t *testing.T) {
	out := files(t, fixture.OIDC())
	contains(t, ServerFile, out[ServerFile],
		"\t\t\t\"oauth-authorize\": \"/oauth2/authorize\",\n",
		"\t\t\t\"oauth-userinfo\":  \"/me\",\n",
		"\t\tSigningAlg:        \"ES256\",\n",
		"\t\tRequirePKCE:       true,\n",
		"\t\tIDTokenSigningAlg: \"RS256\",\n",
		"\t\tIDTokenTTL:        10 * time.Minute,\n",
		"\t\tToken: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{\n",
		"\t\t\t\tFlow: authorizationCodeFlow{proc: &AuthorizationCode{Procedures: p}},\n",
		"\t\tAuthorize: &runtime.Registration[runtime.AuthorizeContext, runtime.AuthorizeResponse]{\n\t\t\tID:   \"oauth-authorize-authorization-code\",\n"+
			"\t\t\tWire: \"code\",\n"+
			"\t\t\tPolicy: runtime.TokenPolicy{\n\t\t\t\tCodeTTL: time.Minute,\n\t\t\t},\n"+
			"\t\t\tFlow: authorizeCodeFlow{proc: &AuthorizeCode{Procedures: p}},\n\t\t},\n",
		"\t\tUserInfo: &runtime.Registration[runtime.UserInfoContext, runtime.UserInfoResponse]{\n\t\t\tID:   \"openid-userinfo\",\n"+
			"\t\t\tFlow: userInfoFlow{proc: &UserInfo{Procedures: p}},\n\t\t},\n\t}\n}",
	)
	if strings.Contains(string(out[ServerFile]), "Grant: flowkit.GrantPolicy{\n\t\t\t\tClients: flowkit.AnyClients,\n\t\t\t},\n\t\t\tFlow: authorizeCodeFlow") {
		t.Error("the authorization flow has a grant policy")
	}
}

// TestNoCodeDataWithoutSpec: without code_data there is no CodeData type,
// no CodeData field and no encoding or decoding.
func TestNoCodeDataWithoutSpec(t *testing.T) {
	s := fixture.OIDC()
	s.Flows[1].CodeData = nil
	for name, src := range files(t, s) {
		for _, bad := range []string{"CodeData struct", "CodeData CodeData", "EncodeData", "DecodeData", ") Default("} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s has %q without code_data", name, bad)
			}
		}
	}
	// And a token-only spec has none of the new settings.
	out := files(t, fixture.Spec("oauth-token-authorization-code"))
	for _, bad := range []string{"oauth-authorize", "oauth-userinfo", "RequirePKCE", "IDToken", "Authorize:", "UserInfo:"} {
		if strings.Contains(string(out[ServerFile]), bad) {
			t.Errorf("token-only server file has %q:\n%s", bad, out[ServerFile])
		}
	}
}

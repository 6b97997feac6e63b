package plan

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// The environment variables the Pulumi CLI reads a stack's passphrase from.
const (
	EnvPassphrase     = "PULUMI_CONFIG_PASSPHRASE"
	EnvPassphraseFile = "PULUMI_CONFIG_PASSPHRASE_FILE"
)

// passphraseCheck is the plaintext a passphrase stack's encryptionsalt
// holds, encrypted, after its salt: decrypting it proves the passphrase.
const passphraseCheck = "pulumi"

// stackDecrypter is the decrypter for a stack's `secure:` values: the
// passphrase secrets provider's, when the stack file has its encryptionsalt
// and the passphrase is in the environment as the Pulumi CLI takes it;
// otherwise nil (the values stay undecrypted). A wrong passphrase, or a
// salt that does not parse, is an error.
func stackDecrypter(ps *workspace.ProjectStack, stackFile string) (config.Decrypter, error) {
	phrase, set := os.LookupEnv(EnvPassphrase)
	if file := os.Getenv(EnvPassphraseFile); !set && file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvPassphraseFile, err)
		}
		phrase, set = strings.TrimRight(string(data), "\r\n"), true
	}
	if set && ps.EncryptionSalt == "" && ps.SecretsProvider == "" && hasSecure(ps) {
		// The passphrase is given but nothing says what it decrypts.
		return nil, fmt.Errorf("%s holds secure values (%s) but no encryptionsalt, so %s cannot decrypt them: they were encrypted for another stack file or backend; set them again with `pulumi config set --secret`, which writes the salt",
			stackFile, strings.Join(secureKeys(ps), ", "), EnvPassphrase)
	}
	if !set || ps.EncryptionSalt == "" {
		return nil, nil
	}
	// The salt is "v1:<base64 salt>:<the check value, encrypted>", the
	// encrypted part itself "v1:<nonce>:<ciphertext>".
	version, rest, _ := strings.Cut(ps.EncryptionSalt, ":")
	saltText, check, ok := strings.Cut(rest, ":")
	if version != "v1" || !ok {
		return nil, fmt.Errorf("%s: encryptionsalt is not a passphrase provider's v1 salt", stackFile)
	}
	salt, err := base64.StdEncoding.DecodeString(saltText)
	if err != nil {
		return nil, fmt.Errorf("%s: encryptionsalt: %w", stackFile, err)
	}
	crypter := config.NewSymmetricCrypterFromPassphrase(phrase, salt)
	if got, err := crypter.DecryptValue(context.Background(), check); err != nil || got != passphraseCheck {
		return nil, errors.New("incorrect passphrase for " + stackFile + ": check " + EnvPassphrase + " or " + EnvPassphraseFile)
	}
	return crypter, nil
}

func hasSecure(ps *workspace.ProjectStack) bool { return len(secureKeys(ps)) > 0 }

// secureKeys are the stack's keys with secure values, sorted.
func secureKeys(ps *workspace.ProjectStack) []string {
	var out []string
	for k, v := range ps.Config {
		if v.Secure() {
			out = append(out, k.String())
		}
	}
	slices.Sort(out)
	return out
}

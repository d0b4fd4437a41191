// Loads a compose file with the Compose Specification's own loader (the library Docker Compose uses), which
// interpolates, validates against the compose-spec schema and normalises it, then prints the project as JSON for
// test/e2e/compose/compose-file.e2e.spec.ts to check. Usage: go run . <compose file> [<.env file>]; variables come from
// this process's environment, and from the .env file when one is named, read with Compose's own dotenv parser (the
// environment wins, as in Compose), so a test controls exactly what is set.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	if len(os.Args) != 2 && len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run . <compose file> [<.env file>]")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	env := map[string]string{}
	if len(os.Args) == 3 {
		if env, err = dotenv.GetEnvFromFile(map[string]string{}, []string{os.Args[2]}); err != nil {
			fail(err)
		}
	}
	for _, kv := range os.Environ() {
		if name, value, ok := strings.Cut(kv, "="); ok {
			env[name] = value
		}
	}
	details := types.ConfigDetails{
		WorkingDir:  filepath.Dir(file),
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: env,
	}
	project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("plude-webhooks", true)
		o.ResolvePaths = true
		// The services of the profiles COMPOSE_PROFILES names, as `docker compose` reads it (none: those without a profile).
		if profiles := env["COMPOSE_PROFILES"]; profiles != "" {
			o.Profiles = strings.Split(profiles, ",")
		}
	})
	if err != nil {
		fail(err)
	}
	out, err := json.MarshalIndent(project, "", "  ")
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

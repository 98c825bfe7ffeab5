// The command line: flags to Config, then compile, then run.
#pragma once

namespace probe {

// Runs probe with argv; returns the process exit status.
int run_cli(int argc, char **argv);

}  // namespace probe

// probe: a bpftrace-style tracing language compiler and runtime.
#include "driver/cli.h"

int main(int argc, char **argv) { return probe::run_cli(argc, argv); }

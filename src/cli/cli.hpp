#pragma once
// The `painel` command line: serve, migrate and the operator commands. Bad arguments give
// a one-line error and exit code 2; failures of a command give a one-line error and 1.
namespace painel::cli {
int run(int argc, char** argv);
}

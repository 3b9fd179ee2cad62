#include "cli/cli.hpp"

int main(int argc, char** argv) { return painel::cli::run(argc, argv); }

// wws: serves a folder of WebAssembly and JavaScript workers over HTTP.
#include "cli/app.h"

int main(int argc, char** argv) { return wws::cli::run_app(argc, argv); }

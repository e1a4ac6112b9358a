// apipnr-receiver: see docs/RECEIVER.md. Everything lives in the receiver library.
#include "apipnr/receiver/application.hpp"

int main(int argc, char** argv) { return apipnr::receiver::run_main(argc, argv); }

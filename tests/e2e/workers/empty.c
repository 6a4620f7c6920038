// Test worker: writes nothing at all and exits cleanly; the server must answer 500.
int main(void) { return 0; }

/* Test-only shared object without a descriptor symbol. */
int nodesc_marker(void);
int nodesc_marker(void) { return 42; }

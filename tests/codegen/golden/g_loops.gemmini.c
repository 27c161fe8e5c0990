// rules: (fallback)

void g_loops(int32_t n, int8_t *a, int8_t *b, int32_t *c) {
    for (long i = 1; i < n; ++i) {
        c[i] = ((a[i] > 0) ? (((int32_t)a[i]) / 3) : (((int32_t)b[i]) % 4));
    }
}

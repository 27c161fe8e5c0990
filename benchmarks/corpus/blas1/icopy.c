/* icopy: copy an int buffer element by element (dst <- src) with pointer walking. */

void icopy(int count, const int *src, int *dst)
{
    int i;
    for (i = 0; i < count; i++)
        *dst++ = *src++;
}

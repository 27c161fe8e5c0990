/* Sum of the values stored in a singly linked list. */
#include <stddef.h>

struct node {
    double value;
    struct node *next;
};

double list_sum(const struct node *head)
{
    double s = 0.0;
    for (const struct node *p = head; p != NULL; p = p->next)
        s += p->value;
    return s;
}

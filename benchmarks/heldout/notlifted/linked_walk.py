"""Sum of the values stored in a singly linked list of nodes with .value and .next attributes."""


def linked_list_total(head):
    total = 0
    node = head
    while node is not None:
        total += node.value
        node = node.next
    return total

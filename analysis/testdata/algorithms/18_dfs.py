# time: O(V + E) space: O(n) family: depth-first search also: recursion, hash table
def dfs(graph, node, visited=None):
    if visited is None:
        visited = set()
    visited.add(node)
    for nb in graph[node]:
        if nb not in visited:
            dfs(graph, nb, visited)
    return visited

// prettyBigO renders a canonical Big-O string ("O(n^2)", "O(n log n)") with
// superscripts for display; what is stored and compared stays canonical.
export function prettyBigO(s: string | null): string {
  if (!s) return '?';
  const sup: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', n: 'ⁿ', k: 'ᵏ' };
  return s.replace(/\^([0-9nk]+)/g, (_, p: string) => [...p].map((c) => sup[c] ?? c).join(''));
}

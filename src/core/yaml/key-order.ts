/** go-yaml v2's order of mapping keys (kustomize output order): non-letters first, digit runs as numbers. */
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** go-yaml v2's keyList.Less for string keys. */
export function goYamlKeyCompare(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ca = ar[i]!;
    const cb = br[i]!;
    if (ca === cb) continue;
    const al = LETTER.test(ca);
    const bl = LETTER.test(cb);
    if (al && bl) return ca.codePointAt(0)! - cb.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ca === "0" || cb === "0") {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && DIGIT.test(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && DIGIT.test(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return ca.codePointAt(0)! - cb.codePointAt(0)!;
  }
  return ar.length - br.length;
}

/**
 * Pareto front for "higher score, fewer parameters": a model is on the front when no other model
 * is at least as good on both and strictly better on one. O(n log n) by sweeping in size order.
 */
export function paretoFront(points: readonly { id: string; cost: number; score: number }[]): Set<string> {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.score - a.score);
  const front = new Set<string>();
  let best = -Infinity;
  for (const p of sorted) {
    if (p.score > best) {
      front.add(p.id);
      best = p.score;
    }
  }
  return front;
}

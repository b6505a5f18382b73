import type { Popularity } from '../scenario/schema.js';

/** Picks product ids 1..products with the scenario's popularity, from a seeded random source. */
export type ProductPicker = (random: () => number) => number;

export function productPicker(popularity: Popularity, products: number): ProductPicker {
  const uniform: ProductPicker = (random) => 1 + Math.floor(random() * products);
  switch (popularity.kind) {
    case 'uniform':
      return uniform;
    case 'hot': {
      const { productId, share } = popularity;
      return (random) => (random() < share ? productId : uniform(random));
    }
    case 'zipf':
      return zipfPicker(popularity.skew, products);
  }
}

/**
 * Zipf over ranks 1..n: rank k (product id k) has weight 1 / k^skew. The cumulative weights are
 * computed once; each pick is a binary search, exact for any skew (no rejection sampling).
 */
function zipfPicker(skew: number, n: number): ProductPicker {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    total += 1 / k ** skew;
    cumulative[k - 1] = total;
  }
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulative[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
}

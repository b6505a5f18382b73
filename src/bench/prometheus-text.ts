/**
 * The sum of a series over all its label sets in Prometheus text format, optionally only the
 * samples whose labels include `match` (`result="hit"`). Enough for the counters the bench reads
 * from the apps' /metrics; comments and other series are skipped.
 */
export function sumSeries(text: string, name: string, match?: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const labels = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    if (match !== undefined && !labels.split(',').includes(match)) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

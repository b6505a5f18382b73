/* Pieces of the HTML report shared by its sections (html.ts, fault-html.ts). */
import { escapeMarkup } from './svg-chart.js';

export type Cell = string | number | null;

export const esc = (value: Cell): string => escapeMarkup(value === null ? 'n/a' : String(value));

export const section = (title: string, html: string) => `<section><h2>${esc(title)}</h2>\n${html}\n</section>`;

/** Every cell is escaped; numbers are right-aligned. */
export function table(head: string[], rows: Cell[][]): string {
  const cell = (tag: 'td' | 'th', v: Cell) => `<${tag}${typeof v === 'number' ? ' class="n"' : ''}>${esc(v)}</${tag}>`;
  const th = head.map((h, i) => `<th${i > 0 && typeof rows[0]?.[i] === 'number' ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`).join('\n')}\n</tbody></table>`;
}

/**
 * Counts read from the visible body text: number of words, share of capital
 * letters, '!' and '$' (bucketed). Ratios come from the first 4,096
 * characters, which is enough and keeps the loop short.
 */
import type { FeatureSink } from './sink.js';

const PREFIX = 4096;

export function addTextStats(sink: FeatureSink, text: string, words: number): void {
  let upper = 0;
  let letters = 0;
  let bangs = 0;
  let dollars = 0;
  const len = Math.min(text.length, PREFIX);
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper++;
      letters++;
    } else if (c >= 97 && c <= 122) letters++;
    else if (c === 33) bangs++;
    else if (c === 36) dollars++;
  }
  sink.stat('words', words);
  sink.stat('upperPct', letters > 20 ? Math.round((upper / letters) * 40) : 0);
  sink.stat('bangs', bangs);
  sink.stat('dollars', dollars);
}

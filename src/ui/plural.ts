// "1 entry", "2 entries": a count with its noun in the right number.
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

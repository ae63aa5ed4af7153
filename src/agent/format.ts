// Text formatting shared by the replies, following gops's Go agent so its readers feel at home.

const byteUnits = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB']

/** Go agent's formatBytes: `N bytes` below 1 KiB, else `%0.2f<unit> (N bytes)`. */
export function formatBytes(value: number): string {
  let unit = 0
  while (unit < byteUnits.length - 1 && value >= 1024 ** (unit + 1)) unit++
  if (unit === 0) return `${value} bytes`
  return `${(value / 1024 ** unit).toFixed(2)}${byteUnits[unit]} (${value} bytes)`
}

/** `key: value` lines, the shape every gops text reply has. */
export function keyValueLines(entries: Array<[string, string | number]>): string {
  return entries.map(([key, value]) => `${key}: ${value}\n`).join('')
}

/** `Timeout x2, TCPServerWrap x1`: a count per resource type. */
export function countByName(names: string[]): string {
  const counts = new Map<string, number>()
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1)
  return [...counts].map(([name, count]) => `${name} x${count}`).join(', ')
}

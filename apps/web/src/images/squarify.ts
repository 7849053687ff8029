export interface Tile<T> {
  item: T;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk): items, largest first, are laid in rows
 * along the shorter side, a row growing while that keeps its tiles closer to square.
 */
export function squarify<T>(items: T[], size: (t: T) => number, width: number, height: number): Tile<T>[] {
  const total = items.reduce((s, t) => s + size(t), 0);
  if (total <= 0 || width <= 0 || height <= 0) return [];
  const scale = (width * height) / total;
  const queue = items.filter((t) => size(t) > 0).map((t) => ({ t, area: size(t) * scale }));
  const tiles: Tile<T>[] = [];
  let x = 0;
  let y = 0;
  let w = width;
  let h = height;
  const worst = (row: { area: number }[], side: number) => {
    const sum = row.reduce((s, r) => s + r.area, 0);
    const max = Math.max(...row.map((r) => r.area));
    const min = Math.min(...row.map((r) => r.area));
    return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  };
  while (queue.length > 0) {
    const side = Math.min(w, h);
    const row = [queue.shift()!];
    while (queue.length > 0 && worst([...row, queue[0]!], side) <= worst(row, side)) row.push(queue.shift()!);
    const sum = row.reduce((s, r) => s + r.area, 0);
    const thickness = sum / side;
    let offset = 0;
    for (const r of row) {
      const length = r.area / thickness;
      tiles.push(w >= h ? { item: r.t, x, y: y + offset, w: thickness, h: length } : { item: r.t, x: x + offset, y, w: length, h: thickness });
      offset += length;
    }
    if (w >= h) {
      x += thickness;
      w -= thickness;
    } else {
      y += thickness;
      h -= thickness;
    }
  }
  return tiles;
}

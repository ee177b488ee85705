// Event-type symbols: the white shape the API serves with each layer
// (`icon`, an SVG path on a 32×32 grid), on the type's coloured disc, drawn
// on a canvas, so there are no sprite files to keep in step with the server.

/**
 * A canvas with the symbol, `size` pixels square. `readBack` for a canvas
 * whose pixels are read: kept in memory rather than on the GPU, where each
 * read waits for the GPU (about 30 ms an icon with software WebGL).
 */
export function drawIcon(layer, size = 32, readBack = false) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const ctx = c.getContext("2d", { willReadFrequently: readBack });
  ctx.scale(size / 32, size / 32);
  ctx.fillStyle = layer.colour;
  ctx.beginPath();
  ctx.arc(16, 16, 15, 0, Math.PI * 2);
  ctx.fill();
  if (layer.icon) {
    ctx.fillStyle = "#fff";
    ctx.fill(new Path2D(layer.icon), "evenodd");
  }
  return c;
}

/** Registers `icon-<type>` images with the map (at twice the resolution). */
export function addIcons(map, layers) {
  for (const l of layers) {
    if (!l.icon) continue;
    const id = `icon-${l.id}`;
    const img = drawIcon(l, 64, true).getContext("2d").getImageData(0, 0, 64, 64);
    if (map.hasImage(id)) map.updateImage(id, img);
    else map.addImage(id, img, { pixelRatio: 2 });
  }
}

// The usage meter in the header: bytes used and free, file and folder counts.
import { $ } from "./dom.js";
import { fmtBytes } from "./format.js";
import { client } from "./client.js";
import { attempt } from "./errors.js";

export async function refreshUsage() {
  const info = await attempt(() => client.getInfo());
  if (!info) return;
  const u = info.usage_summary;
  const total = u.total_bytes_used + u.total_bytes_remaining;
  $("usage-fill").style.width = `${total ? (100 * u.total_bytes_used) / total : 0}%`;
  $("usage-text").textContent = `${fmtBytes(u.total_bytes_used)} used · ${fmtBytes(u.total_bytes_remaining)} free · ${u.file_count} files (${u.image_count} images, ${u.document_count} documents) · ${u.folder_count} folders`;
}

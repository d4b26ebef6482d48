// Formatting of sizes and dates for display.
export const fmtBytes = (n) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KB` : `${n} B`);
export const fmtDate = (s) => { const d = new Date(s); return Number.isNaN(d.getTime()) ? s : d.toLocaleString(); };

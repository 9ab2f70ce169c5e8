// A static export: the battle service serves `out/` (JOUST_WEB_DIR), so pages take their
// battle or player from the query string rather than from dynamic route segments.
const nextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
};
export default nextConfig;

import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const GATEWAY_DEV_ORIGIN = "http://127.0.0.1:20128";

export default defineConfig({
  plugins: [solid()],
  base: "/",
  build: {
    outDir: "../dist/dashboard",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api": { target: GATEWAY_DEV_ORIGIN, changeOrigin: false },
      "/v1": { target: GATEWAY_DEV_ORIGIN, changeOrigin: false },
    },
  },
});

import "./jitless.ts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./ui/App.tsx";
import { registerServiceWorker } from "./worker/client.ts";
import { useApp } from "./store/appStore.ts";
import "./ui/app.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline after one visit (src/sw.ts); production builds only, so the dev server never caches.
// Registered once the page has loaded, so that its precaching does not compete with the page's own;
// registerServiceWorker orders it with the proxy session's downloads (model and WASM once).
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  addEventListener("load", () => registerServiceWorker(`${import.meta.env.BASE_URL}sw.js`, () => useApp.getState().backendChoice), { once: true });
}

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { z } from "zod";
import { App } from "./ui/App.tsx";
import "./ui/app.css";

// The page's CSP forbids eval; without this, zod probes for it with `new Function` (caught, but
// reported as a securitypolicyviolation) before falling back to the same eval-free parser.
z.config({ jitless: true });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline after one visit (src/sw.ts); production builds only, so the dev server never caches.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => console.warn("offline use is unavailable:", e));
}

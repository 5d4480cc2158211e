import { z } from "zod";

// The page's CSP forbids eval. Without this, zod probes for it with `new Function` (caught, but
// reported as a securitypolicyviolation) before falling back to the same eval-free parser.
// Imported first by main.tsx, so that it runs before any module parses anything.
z.config({ jitless: true });

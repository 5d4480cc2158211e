import { useSyncExternalStore } from "react";

/** Phone-sized screens (the layout in app.css switches at the same width). */
export const NARROW_QUERY = "(max-width: 480px)";

const subscribe = (onChange: () => void) => {
  const mq = matchMedia(NARROW_QUERY);
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
};

/** Whether the viewport is phone-sized, following rotation and resizes. */
export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, () => matchMedia(NARROW_QUERY).matches);
}

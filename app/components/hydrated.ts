import { useEffect, useState } from "react";

let hydratedOnce = false;

/** false on the server and in the first client render (so hydration matches), true afterwards. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(hydratedOnce);
  useEffect(() => {
    hydratedOnce = true;
    setHydrated(true);
  }, []);
  return hydrated;
}

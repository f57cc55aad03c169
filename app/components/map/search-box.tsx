import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { SEARCH_KIND_LABELS, type SearchResult } from "~/modules/search/types";

/**
 * Search for a Gemeinde or street (GET /api/v1/search) and fly there. Suggests while typing
 * (debounced); Enter or the button searches at once. Results are real buttons in a list.
 */
export function SearchBox({ onPick }: { onPick: (result: SearchResult) => void }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [message, setMessage] = useState("");
  const abortRef = useRef<AbortController | null>(null);

  const run = useCallback(async (q: string) => {
    abortRef.current?.abort();
    const trimmed = q.trim();
    if (trimmed.length < 2) {
      setResults(null);
      setMessage(trimmed.length === 0 ? "" : "Bitte mindestens 2 Zeichen eingeben.");
      return;
    }
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      const res = await fetch(`/api/v1/search?${new URLSearchParams({ q: trimmed })}`, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      const body = (await res.json()) as { results?: SearchResult[]; detail?: string };
      if (!res.ok) {
        setResults([]);
        setMessage(body.detail ?? "Die Suche ist fehlgeschlagen.");
        return;
      }
      setResults(body.results ?? []);
      setMessage(body.results?.length ? `${body.results.length} Treffer` : "Keine Treffer.");
    } catch (error) {
      if ((error as Error).name !== "AbortError") setMessage("Die Suche ist fehlgeschlagen.");
    }
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => void run(query), 300);
    return () => clearTimeout(timer);
  }, [query, run]);

  useEffect(() => () => abortRef.current?.abort(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(query);
  }

  return (
    <div className="route-map__search">
      <form role="search" onSubmit={submit} className="route-map__search-form">
        <label className="kern-label kern-label--small" htmlFor={`${id}-q`}>
          Ort oder Straße suchen
        </label>
        <div className="route-map__search-row">
          <input
            id={`${id}-q`}
            className="kern-form-input__input"
            type="search"
            autoComplete="off"
            value={query}
            maxLength={100}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={`${id}-status`}
          />
          <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small">
            <span className="kern-label">Suchen</span>
          </button>
        </div>
      </form>
      <p id={`${id}-status`} className="route-map__hint" aria-live="polite">
        {message}
      </p>
      {results && results.length > 0 ? (
        <ul className="route-map__results">
          {results.map((r) => (
            <li key={`${r.kind}-${r.label}`}>
              <button type="button" className="route-map__result" onClick={() => onPick(r)}>
                <span>{r.label}</span> <span className="route-map__result-kind">{SEARCH_KIND_LABELS[r.kind]}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

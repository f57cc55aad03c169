import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage } from "~/components/error-page";
import { SiteFooter, SiteHeader } from "~/components/layout";
import { useNonce } from "~/components/nonce";
import { env } from "~/env.server";
import { getPrincipal } from "~/modules/auth/guards.server";
import appStyles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/vendor/kern/fonts/fira-sans.css" },
  { rel: "stylesheet", href: "/vendor/kern/kern.min.css" },
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Breitband-Portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await getPrincipal(request);
  return json({
    csrfToken: context.csrfToken,
    demoMode: env().DEMO_DATA,
    user: principal && {
      name: principal.name,
      email: principal.email,
      role: principal.role,
      organisationName: principal.organisation.name,
    },
  });
}

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const nonce = useNonce();
  return (
    <html lang="de" className="kern-light">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="site">
        <a className="skip-link" href="#inhalt">
          Zum Inhalt springen
        </a>
        <SiteHeader user={data?.user ?? null} csrfToken={data?.csrfToken ?? ""} />
        <main id="inhalt" className="site-main kern-container" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

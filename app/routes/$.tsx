import { notFound } from "~/modules/auth/guards.server";

/** Every unknown path ends here, so it gets the portal's German 404 page. */
export async function loader() {
  throw notFound();
}

export async function action() {
  throw notFound();
}

export default function NotFound() {
  return null;
}

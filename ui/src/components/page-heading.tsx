import { createEffect, type JSX } from "solid-js";
import { PRODUCT_NAME } from "./product-name";

interface PageHeadingProps {
  title: string;
  /** Page-level actions shown beside the title (refresh and the like). */
  actions?: JSX.Element;
}

export function PageHeading(props: PageHeadingProps) {
  createEffect(() => {
    document.title = `${props.title} · ${PRODUCT_NAME}`;
  });
  return (
    <div class="page-heading">
      <h1>{props.title}</h1>
      {props.actions}
    </div>
  );
}

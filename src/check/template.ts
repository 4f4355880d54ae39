import { SourceFile } from "./source.js";

/**
 * A Helm template read as YAML, best-effort: every action (`{{ … }}`) is blanked to spaces and
 * line breaks are kept, so offsets are the template's own and what remains usually parses. A
 * templated value reads as null and a control line as a blank line; a template that still does
 * not parse yields no documents. For rules that want structure from the obvious template form.
 */
export function maskedTemplate(file: SourceFile): SourceFile {
  const text = file.text.replace(/\{\{[^]*?\}\}/g, (action) => action.replace(/[^\n]/g, " "));
  const masked = new SourceFile(file.path, "manifest", text);
  masked.template = file.text;
  return masked;
}

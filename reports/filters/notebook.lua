-- notebook.lua: what Quarto does with an executed notebook, for nkhr's embedded renderer.
--
-- Pandoc's ipynb reader keeps every cell as a Div (with its id and metadata) and each
-- `text/markdown` output as a raw Markdown block that the HTML and Typst writers drop.
-- This filter: keeps Markdown cells' content; drops raw cells (the YAML front matter,
-- which nkhr render passes as metadata) and code (echo: false); keeps display outputs,
-- reading Markdown outputs as Markdown, with raw HTML, raw TeX and raw attribute blocks
-- switched off, images dropped and links kept only to http(s) addresses, so an output can
-- never smuggle markup into HTML or Typst nor make the renderer read a file. Quarto reads
-- Markdown outputs natively, so this filter is used by the embedded engine only.
local MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans"

-- Inside Markdown outputs, an image (a file read at render time) or a link that is not
-- http(s) can only come from a mistake: show its text instead.
local SAFE = {
  Image = function(img) return img.caption end,
  Link = function(link)
    local t = link.target:lower()
    if t:match("^https?://") then return nil end
    return link.content
  end,
}

local function has(el, class)
  return el.classes ~= nil and el.classes:includes(class)
end

local function output_blocks(div, out)
  if not (has(div, "display_data") or has(div, "execute_result")) then
    return -- stream (stdout/stderr) and error outputs never reach the brief
  end
  for _, b in ipairs(div.content) do
    if b.t == "RawBlock" and b.format == "markdown" then
      out:extend(pandoc.read(b.text, MARKDOWN).blocks:walk(SAFE))
    elseif b.t == "RawBlock" or b.t == "CodeBlock" then
      -- text/html, text/latex, text/plain: not part of the brief
    else
      out:insert(b)
    end
  end
end

function Pandoc(doc)
  local out = pandoc.List()
  for _, cell in ipairs(doc.blocks) do
    if cell.t == "Div" and has(cell, "cell") then
      if has(cell, "markdown") then
        out:extend(cell.content)
      elseif has(cell, "code") then
        for _, b in ipairs(cell.content) do
          if b.t == "Div" and has(b, "output") then
            output_blocks(b, out)
          end
        end
      end -- raw cells: dropped
    else
      out:insert(cell)
    end
  end
  doc.blocks = out
  return doc
end

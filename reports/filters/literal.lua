-- literal.lua: text stays the characters it is, in Typst too. Shared by both engines
-- (_quarto.yml, format.typst.filters). Pandoc's Typst writer escapes every markup
-- character except "...", which Typst would typeset as its shorthand "…"; here every
-- "..." in text goes out as "..\." (three full stops), so a quote is printed as written.
if not FORMAT:match("typst") then
  return {}
end

function Str(s)
  local text = s.text
  if not text:find("...", 1, true) then
    return nil
  end
  local out = pandoc.List()
  local start = 1
  while true do
    local i = text:find("...", start, true)
    if not i then
      break
    end
    if i > start then
      out:insert(pandoc.Str(text:sub(start, i - 1)))
    end
    out:insert(pandoc.RawInline("typst", "..\\."))
    start = i + 3
  end
  if start <= #text then
    out:insert(pandoc.Str(text:sub(start)))
  end
  return out
end

"""Short news items in several languages, written for these tests: what the language guess and the
English-only stages are tried on. Each names states and places the English entity stage would tag."""

from __future__ import annotations

NOT_ENGLISH = {
    "pt": "O ministro das Relações Exteriores do Brasil recebeu ontem o embaixador da Argentina em "
          "Brasília. Os dois governos assinaram um acordo para ampliar o comércio na fronteira, e a reunião "
          "foi descrita como cordial pelos assessores do Itamaraty.",
    "de": "Der deutsche Außenminister hat am Dienstag in Berlin seinen Amtskollegen aus Polen empfangen. "
          "Die beiden Regierungen wollen die Zusammenarbeit an der Grenze verstärken, sagte ein Sprecher "
          "nach dem Treffen, das auch die Ukraine betraf.",
    "ru": "Министр иностранных дел России во вторник встретился в Москве с послом Казахстана. Стороны "
          "обсудили торговлю и вопросы безопасности на границе, сообщила пресс-служба министерства.",
    "it": "Il ministro degli Esteri italiano ha incontrato martedì a Roma il suo omologo della Grecia. I due "
          "governi hanno firmato un accordo sulla pesca e sulla sicurezza delle rotte nel Mediterraneo, "
          "secondo una nota della Farnesina.",
}
ENGLISH = ("The foreign minister of India met her counterpart from Nepal in Bengaluru on Tuesday. The two "
           "governments agreed to expand trade across the border, officials said after the meeting.")

"""Name lists for the synthetic population.

Each list is in order of frequency (most common first) and is sampled with Zipf-like weights, which gives
realistic repetition (many Smiths and Margarets, a long tail of rare names). First names depend on sex, birth
cohort and ethnic background. A few names carry accents (Siân, Zoë, José, Müller...): they must all be
encodable in Windows-1252, which the ``windows_1252`` fault relies on.
"""

from __future__ import annotations

from itertools import accumulate

FEMALE_BY_COHORT: dict[int, str] = {
    # cohort = the first birth year it covers
    0: "Margaret Joan Dorothy Mary Jean Patricia Betty Doris Joyce Barbara Irene Eileen Sheila Kathleen "
    "Elizabeth Audrey Sylvia Iris Vera Pamela Brenda Peggy Phyllis Edna Gladys Marjorie Winifred Hilda Ivy "
    "Elsie Violet Lilian Olive Beryl June Maureen Valerie Shirley Rita Mavis Ann Evelyn Gwendoline Siân",
    1945: "Susan Linda Christine Margaret Janet Patricia Carol Elizabeth Mary Anne Ann Jane Jacqueline "
    "Barbara Valerie Pauline Sandra Gillian Lesley Elaine Julie Karen Diane Jennifer Angela Deborah Helen "
    "Alison Wendy Carole Maureen Kathleen Lynn Sheila Hilary Judith Denise Brenda Rosemary Teresa Siân",
    1965: "Sarah Julie Karen Lisa Claire Nicola Joanne Michelle Helen Emma Tracey Amanda Rachel Louise "
    "Samantha Kelly Alison Donna Deborah Dawn Catherine Jennifer Victoria Rebecca Elizabeth Angela Sharon "
    "Kerry Joanna Zoë Siân",
    1985: "Emma Sophie Jessica Laura Amy Hannah Charlotte Lauren Rebecca Chloe Katie Sarah Megan Emily "
    "Rachel Bethany Olivia Georgia Jade Holly Lucy Amber Ellie Abigail Zoe Grace Danielle Natalie Jasmine "
    "Chloë Zoë",
}

MALE_BY_COHORT: dict[int, str] = {
    0: "John William George Kenneth Ronald Peter Dennis Frederick Arthur Albert Eric Raymond Harold Roy "
    "Stanley Leslie Derek Donald Norman Alan Brian Robert Thomas James Charles Frank Ernest Walter Cyril "
    "Jack Sidney Herbert Reginald Gordon Douglas Leonard Edward Alfred Henry Bernard",
    1945: "David John Michael Peter Robert Paul Stephen Christopher Richard Alan Brian Anthony Ian Keith "
    "Graham Philip Martin Kevin Andrew Colin Trevor Roger Terence Barry Malcolm Geoffrey Nigel Gary "
    "Raymond Derek Dafydd",
    1965: "David Paul Mark Andrew Richard Michael Stephen Christopher Darren Lee Neil Jason Simon Matthew "
    "Craig Gary Robert Ian Steven Daniel Wayne Dean Jonathan Scott James Shaun Carl Adam Anthony Kevin",
    1985: "Thomas James Daniel Joshua Matthew Luke Ryan Jack Samuel Benjamin Adam Callum Lewis Jordan "
    "Liam Connor Jake Alexander Oliver Harry Joseph Nathan Michael Christopher Kieran Bradley Charlie "
    "Jamie Aaron Ethan",
}

SURNAMES_TEXT = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward "
    "Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
    "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox "
    "Richards Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason "
    "Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens "
    "Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart "
    "Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer "
    "Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
    "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry "
    "Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner "
    "Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross "
    "Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor "
    "Harper Coleman Watkins Moss McCarthy Chambers Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon "
    "Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles "
    "Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan "
    "Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham "
    "Quinn Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker "
    "Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll "
    "Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Miah Simmons Morton Alexander Field Morrison "
    "Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs Storey Pollard Howe Bull Bevan "
    "Cartwright Fry Tanner Hale Godwin Whittaker Bowen Meredith"
)

# rare surnames for the long tail, built from common English place-name elements
_TAIL_HEADS = (
    "Ash Brad Cal Cran Dal Ed Fair Gold Hal Hart Kings Lang Mar New Old Pen Red Shel Stan Thorn Wal West Whit "
    "Black Brook Church Gris Hol Mid Nor Rad Sand Tal Wex Ald Bram Cald Dun Elm Farn Hazel Ken Lind Mel Rush"
)
_TAIL_TAILS = "ley ton well worth ford field ham by wood more stone ridge shaw croft bury hurst combe don"
TAIL_SURNAMES = tuple(head + tail for head in _TAIL_HEADS.split() for tail in _TAIL_TAILS.split())
TAIL_SHARE = 0.55  # share of White British people with a tail surname

# (female first names, male first names, surnames) per background
BACKGROUND_NAMES: dict[str, tuple[str, str, str]] = {
    "south_asian": (
        "Fatima Ayesha Priya Anita Sunita Nazia Shabana Rukhsana Parveen Amina Meena Kiran Sana Zainab Nasreen",
        "Mohammed Muhammad Ahmed Ali Imran Raj Sanjay Amit Arjun Tariq Abdul Hassan Rajesh Vikram Kamal",
        "Patel Khan Ahmed Ali Hussain Begum Singh Kaur Shah Sharma Akhtar Iqbal Rahman Mahmood Chaudhry "
        "Gupta Islam Miah Uddin Kumar",
    ),
    "black": (
        "Grace Blessing Abena Ama Chipo Faith Marcia Beverley Comfort Precious Nia Joy",
        "Kwame Chinedu Emmanuel Samuel Winston Delroy Tunde Olu Kofi Joseph Desmond",
        "Okafor Mensah Adeyemi Campbell Brown Williams Johnson Osei Boateng Nwosu Francis Grant Clarke",
    ),
    "chinese": (
        "Mei Ying Hui Li Xiu Lin",
        "Wei Jun Hao Ming Jian Tao",
        "Wang Li Zhang Chen Liu Wong Chan Lee Lam",
    ),
    "other_white": (
        "Anna Agnieszka Katarzyna Maria Ioana Elena Inês Joana Renée Magdalena Ewa Noémie Siobhán Aoife Zoé Mónica",
        "Piotr Tomasz Krzysztof Andrei Mihai João José Björn Jürgen François Seán Ciarán Pádraig Marek Jan",
        "Nowak Kowalski Wójcik Kowalczyk Popescu Ionescu Silva Santos Gonçalves Ferreira Müller Schmidt "
        "Lefèvre O'Brien Murphy O'Sullivan Kelly Fernández García Peña",
    ),
    "arab_other": (
        "Layla Noor Hana Mariam Leila",
        "Omar Yusuf Khalid Karim Samir",
        "Haddad Hassan Saleh Nasser Mansour",
    ),
}

NICKNAMES: dict[str, str] = {
    "Robert": "Bob",
    "William": "Bill",
    "Margaret": "Maggie",
    "Elizabeth": "Liz",
    "Catherine": "Kate",
    "Richard": "Rich",
    "James": "Jim",
    "John": "Jack",
    "Michael": "Mike",
    "Thomas": "Tom",
    "Susan": "Sue",
    "Patricia": "Pat",
    "Christopher": "Chris",
    "Anthony": "Tony",
    "David": "Dave",
    "Joseph": "Joe",
    "Edward": "Ted",
    "Jennifer": "Jenny",
    "Deborah": "Debbie",
    "Kathleen": "Kath",
    "Dorothy": "Dot",
    "Frederick": "Fred",
    "Alexander": "Alex",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Andrew": "Andy",
    "Peter": "Pete",
    "Stephen": "Steve",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Victoria": "Vicky",
    "Rebecca": "Becky",
    "Kenneth": "Ken",
    "Ronald": "Ron",
    "Leslie": "Les",
    "Raymond": "Ray",
    "Gillian": "Gill",
    "Jacqueline": "Jackie",
    "Samantha": "Sam",
    "Nicola": "Nicky",
    "Albert": "Bert",
    "Alfred": "Alf",
    "Herbert": "Bert",
    "Reginald": "Reg",
    "Winifred": "Winnie",
    "Barbara": "Babs",
    "Pamela": "Pam",
    "Valerie": "Val",
    "Christine": "Chris",
    "Joanne": "Jo",
    "Stanley": "Stan",
    "Leonard": "Len",
    "Charles": "Charlie",
    "Douglas": "Doug",
    "Gordon": "Gordie",
    "Henry": "Harry",
}

ACCENT_FREE = str.maketrans(
    "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿ", "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyy"
)


def zipf_cum_weights(count: int, exponent: float = 0.9) -> list[float]:
    """Cumulative Zipf weights for a list of ``count`` names in frequency order."""
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))
